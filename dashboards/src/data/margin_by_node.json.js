import { emit } from '../../loaders/snapshot.js';

emit('margin_by_node');
