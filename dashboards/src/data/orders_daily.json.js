import { emit } from '../../loaders/snapshot.js';

emit('orders_daily');
