// The column names and DuckDB types of a multi-label (ChestMNIST) Parquet file, as the Hugging Face
// features require them (README "Parquet column types"); shared by the tests that pin that layout.
export const MULTILABEL_PARQUET_COLUMNS: readonly (readonly [string, string])[] = [
  ['image', 'STRUCT(bytes BLOB, path VARCHAR)'],
  ['label', 'BIGINT[]'],
  ['label_vector', 'UTINYINT[]'],
  ['split', 'VARCHAR'],
  ['index', 'INTEGER'],
  ['image_id', 'VARCHAR'],
  ['group_id', 'VARCHAR'],
  ['fine_label', 'VARCHAR'],
];
