import { emit } from '../../loaders/snapshot.js';

emit('close_periods');
