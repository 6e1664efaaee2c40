// Preloaded (--import) into a server run under --cpu-prof. Node writes the profile when the process exits, but
// Nest's shutdown hooks end the process by re-raising SIGTERM, which writes nothing; SIGUSR2 exits normally.
process.on('SIGUSR2', () => process.exit(0));
