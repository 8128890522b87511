// Bundles a harness page (Grafana's packages included) for the browser tests; the plugin itself
// is loaded from dist/module.js at run time, as Grafana would. `--env page=panels` bundles the
// panels page (panels.tsx → panels.js), the default the editors page (index.tsx → harness.js).
const path = require('node:path');

const PAGES = { editors: ['index.tsx', 'harness.js'], panels: ['panels.tsx', 'panels.js'] };

module.exports = (env = {}) => ({
  mode: 'development',
  devtool: false,
  entry: path.join(__dirname, PAGES[env.page ?? 'editors'][0]),
  output: { path: path.join(__dirname, 'dist'), filename: PAGES[env.page ?? 'editors'][1], publicPath: '/' },
  resolve: { extensions: ['.tsx', '.ts', '.mjs', '.js'] },
  module: {
    rules: [
      // @grafana/ui's .mjs files default-import CommonJS packages (react-custom-scrollbars-2): interop as Grafana's build does.
      { test: /\.mjs$/, type: 'javascript/auto', resolve: { fullySpecified: false } },
      {
        test: /\.tsx?$/,
        exclude: /node_modules/,
        use: {
          loader: 'swc-loader',
          options: {
            jsc: {
              parser: { syntax: 'typescript', tsx: true },
              transform: { react: { runtime: 'classic' } },
              target: 'es2020',
            },
          },
        },
      },
      { test: /\.css$/, use: ['style-loader', 'css-loader'] },
      { test: /\.(svg|png|woff2?|ttf|eot)$/, type: 'asset/resource' },
    ],
  },
  performance: { hints: false },
});
