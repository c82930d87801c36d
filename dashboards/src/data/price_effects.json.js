import { emit } from '../../loaders/snapshot.js';

emit('price_effects');
