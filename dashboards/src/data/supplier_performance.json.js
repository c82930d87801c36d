import { emit } from '../../loaders/snapshot.js';

emit('supplier_performance');
