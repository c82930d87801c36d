/**
 * Named subsets of the ml_rows features for configurations that were tuned with them. `CORE_FEATURES`
 * is the first feature set (levels, lags, calendar, price, hierarchy); the ratio and smoothed-level
 * features came later and help weekly store data but, on the M5 development fold, made the store ×
 * department model early-stop too soon (WRMSSE levels 1–9: 0.41 with the core set, 0.53 with all).
 */
export const CORE_FEATURES: readonly string[] = [
  'f_h',
  'f_dow',
  'f_dom',
  'f_month',
  'f_week',
  'f_event',
  'f_event_type',
  'f_regional',
  'f_last_season',
  'f_season_mean',
  'f_last',
  'f_mean_recent',
  'f_mean_base',
  'f_mean_mid',
  'f_mean_long',
  'f_std_base',
  'f_trend',
  'f_trend_long',
  'f_zero_share',
  'f_since_sale',
  'f_history',
  'f_stockouts',
  'f_year_ago',
  'f_year_ago_mean',
  'f_price_rel',
  'f_price_change',
  'f_price',
  'f_promo',
  'f_markdown',
  'f_loc_trend',
  'f_group_trend',
  'f_group_base',
  'f_group_share',
  'f_location',
  'f_category',
];
