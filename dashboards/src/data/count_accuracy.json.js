import { emit } from '../../loaders/snapshot.js';

emit('count_accuracy');
