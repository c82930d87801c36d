import { emit } from '../../loaders/snapshot.js';

emit('aged_stock');
