import { emit } from '../../loaders/snapshot.js';

emit('recommendation_status');
