// Bundles the harness page (Grafana's packages included) for the browser test; the plugin itself
// is loaded from dist/module.js at run time, as Grafana would.
const path = require('node:path');

module.exports = {
  mode: 'development',
  devtool: false,
  entry: path.join(__dirname, 'index.tsx'),
  output: { path: path.join(__dirname, 'dist'), filename: 'harness.js', publicPath: '/' },
  resolve: { extensions: ['.tsx', '.ts', '.mjs', '.js'] },
  module: {
    rules: [
      { test: /\.mjs$/, resolve: { fullySpecified: false } },
      {
        test: /\.tsx?$/,
        exclude: /node_modules/,
        use: { loader: 'swc-loader', options: { jsc: { parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'classic' } }, target: 'es2020' } } },
      },
      { test: /\.css$/, use: ['style-loader', 'css-loader'] },
      { test: /\.(svg|png|woff2?|ttf|eot)$/, type: 'asset/resource' },
    ],
  },
  performance: { hints: false },
};
