import { emit } from '../../loaders/snapshot.js';

emit('positions_by_node');
