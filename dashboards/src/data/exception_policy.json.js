import { emit } from '../../loaders/snapshot.js';

emit('exception_policy');
