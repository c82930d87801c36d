import { emit } from '../../loaders/snapshot.js';

emit('stock_watch');
