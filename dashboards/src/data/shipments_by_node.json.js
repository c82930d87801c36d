import { emit } from '../../loaders/snapshot.js';

emit('shipments_by_node');
