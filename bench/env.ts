// Imported first by the bench's entry point: the app's logs (info, and the sync's retry warnings)
// would otherwise interleave with the progress lines and the result table on stdout.
process.env.LOG_LEVEL ??= "error";
