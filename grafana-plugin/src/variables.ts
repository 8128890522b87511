import { CustomVariableSupport, type DataQueryRequest, type DataQueryResponse } from '@grafana/data';
import { from, type Observable } from 'rxjs';
import type { Frame } from '../../exporter/src/schemas';
import { VariableQueryEditor } from './components/VariableQueryEditor';
import type { DataSource } from './datasource';
import { explainError } from './errors';
import { toDataFrame } from './frames';
import { expandField } from './interpolate';
import type { VariableQuery } from './types';

/** How many values a variable offers at most (the exporter's limit cap). */
export const VARIABLE_LIMIT = 1000;

/**
 * Template variables from /api/v1/variables/{kind}: a frame with separate `text` (shown: name,
 * group name) and `value` (sent: e-mail, group id) fields, which Grafana maps to MetricFindValue.
 */
export class CursorVariableSupport extends CustomVariableSupport<DataSource, VariableQuery> {
  editor = VariableQueryEditor;

  constructor(private readonly datasource: DataSource) {
    super();
  }

  query(request: DataQueryRequest<VariableQuery>): Observable<DataQueryResponse> {
    const target = request.targets[0];
    const kind = target?.kind ?? 'users';
    const q = target?.q ? expandField(target.q, request.scopedVars)[0] : undefined;
    return from(
      this.datasource.get<Frame>(`/variables/${kind}`, { limit: VARIABLE_LIMIT, ...(q ? { q } : {}) }).then(
        (frame): DataQueryResponse => ({ data: [toDataFrame(frame, target?.refId ?? 'variable')] }),
        (err): DataQueryResponse => ({
          data: [],
          errors: [{ refId: target?.refId, message: explainError(err).message }],
        })
      )
    );
  }
}
