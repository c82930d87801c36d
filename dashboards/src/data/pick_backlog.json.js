import { emit } from '../../loaders/snapshot.js';

emit('pick_backlog');
