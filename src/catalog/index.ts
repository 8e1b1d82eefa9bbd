// MedMNIST's facts per flag (design §2): import the catalog from here.
export * from './catalog.js';
