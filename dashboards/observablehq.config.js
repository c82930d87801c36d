// Observable Framework configuration of the retailos dashboards (docs/dashboards.md).
// `retailos dashboards build` sets RETAILOS_DASHBOARD_OUT (where the site goes) and
// RETAILOS_DASHBOARD_SNAPSHOT (the exported read models the data loaders read).
export default {
  title: 'retailos',
  root: 'src',
  output: process.env.RETAILOS_DASHBOARD_OUT ?? 'dist',
  pages: [
    { name: 'Executive overview', path: '/' },
    { name: 'Inventory health', path: '/inventory' },
    { name: 'Exceptions', path: '/exceptions' },
    { name: 'Replenishment', path: '/replenishment' },
    { name: 'Orders and fulfilment', path: '/orders' },
    { name: 'Margin', path: '/margin' },
    { name: 'Operations flow', path: '/operations' },
    { name: 'Demand and anomalies', path: '/demand' },
  ],
  pager: false,
  search: false,
  toc: false,
  style: 'style.css',
  // Nothing from the network: no web fonts (the default loads Source Serif from a font CDN), no favicon fetch.
  globalStylesheets: [],
  head: '<meta name="color-scheme" content="light"><link rel="icon" href="data:,">',
  footer: 'retailos · data as of the last dashboards build',
};
