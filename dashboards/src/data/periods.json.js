import { emit } from '../../loaders/snapshot.js';

emit('periods');
