using Oppdrift.Cli;

return await OppdriftCommand.RunAsync(args);
