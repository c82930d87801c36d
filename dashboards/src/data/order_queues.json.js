import { emit } from '../../loaders/snapshot.js';

emit('order_queues');
