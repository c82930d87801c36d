import { emit } from '../../loaders/snapshot.js';

emit('margin_daily');
