"""Feature computation shared by training, evaluation and export: the
reference for what serving computes from raw ids, item features and the
session state it keeps."""
