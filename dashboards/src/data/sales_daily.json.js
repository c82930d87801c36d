import { emit } from '../../loaders/snapshot.js';

emit('sales_daily');
