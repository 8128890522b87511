import React, { type ChangeEvent } from 'react';
import type { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Field, FieldSet, Input, SecretInput, TextLink } from '@grafana/ui';
import type { CursorDataSourceOptions, CursorSecureJsonData } from '../types';

type Props = DataSourcePluginOptionsEditorProps<CursorDataSourceOptions, CursorSecureJsonData>;

/** Why an exporter URL will not work, or undefined when it looks right. */
export function urlProblem(url: string | undefined): string | undefined {
  const value = (url ?? '').trim();
  if (value === '') {
    return 'Enter the exporter URL, e.g. http://exporter:9464';
  }
  if (!/^https?:\/\/[^/\s]+/.test(value)) {
    return 'The URL must start with http:// or https:// and name a host';
  }
  if (/\/api(\/v1)?\/?$/.test(value)) {
    return 'Enter the exporter base URL without /api/v1: the plugin adds it';
  }
  return undefined;
}

export function tokenProblem(configured: boolean, token: string | undefined): string | undefined {
  return configured || (token ?? '') !== ''
    ? undefined
    : 'Enter the exporter API_TOKEN (leave empty only if the exporter runs with API_AUTH=off)';
}

/**
 * Exporter URL and API token. The token goes to secureJsonData: Grafana stores it encrypted and its
 * proxy adds it as the bearer header (plugin.json routes), so the browser never sees it again.
 */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields, secureJsonData } = options;
  const url = jsonData.url ?? '';
  const configured = Boolean(secureJsonFields?.apiToken);
  const badUrl = urlProblem(url);
  const badToken = tokenProblem(configured, secureJsonData?.apiToken);
  const docs = badUrl ? undefined : `${url.trim().replace(/\/+$/, '')}/docs`;

  const onUrlChange = (event: ChangeEvent<HTMLInputElement>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, url: event.target.value } });
  const onTokenChange = (event: ChangeEvent<HTMLInputElement>) =>
    onOptionsChange({ ...options, secureJsonData: { ...secureJsonData, apiToken: event.target.value } });
  const onTokenReset = () =>
    onOptionsChange({
      ...options,
      secureJsonFields: { ...secureJsonFields, apiToken: false },
      secureJsonData: { ...secureJsonData, apiToken: '' },
    });

  return (
    <FieldSet label="Exporter">
      <Field
        label="URL"
        description="Base URL of the cursor-usage exporter as Grafana's server reaches it"
        invalid={Boolean(badUrl)}
        error={badUrl}
      >
        <Input id="config-url" value={url} placeholder="http://exporter:9464" width={50} onChange={onUrlChange} />
      </Field>
      <Field
        label="API token"
        description="The exporter's API_TOKEN. Stored encrypted; Grafana's proxy sends it, the browser never receives it."
        invalid={Boolean(badToken)}
        error={badToken}
      >
        <SecretInput
          id="config-api-token"
          isConfigured={configured}
          value={secureJsonData?.apiToken ?? ''}
          placeholder="API_TOKEN"
          width={50}
          onChange={onTokenChange}
          onReset={onTokenReset}
        />
      </Field>
      {docs && (
        <TextLink href={docs} external>
          The exporter&apos;s API documentation ({docs})
        </TextLink>
      )}
    </FieldSet>
  );
}
