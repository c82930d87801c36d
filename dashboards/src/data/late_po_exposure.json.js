import { emit } from '../../loaders/snapshot.js';

emit('late_po_exposure');
