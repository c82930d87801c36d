import { emit } from '../../loaders/snapshot.js';

emit('forecast_holdout');
