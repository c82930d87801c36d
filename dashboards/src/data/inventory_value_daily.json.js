import { emit } from '../../loaders/snapshot.js';

emit('inventory_value_daily');
