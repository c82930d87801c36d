import { emit } from '../../loaders/snapshot.js';

emit('approvals');
