using System.CommandLine;
using Oppdrift.Access;

namespace Oppdrift.Cli;

/// <summary>`oppdrift account`: help for someone locked out of the embedded mode's local accounts.</summary>
internal static class AccountCommands
{
    public const string Actor = "cli";

    public static Command Create()
    {
        var userName = new Argument<string>("USERNAME") { Description = "The account's user name (case does not matter)" };
        var reset = new Command("reset-password",
            "Gives a local account a new one-time password and prints it, for an administrator who lost theirs. "
            + "The account must choose its own password at the next sign-in. The reset is recorded in the audit log.")
        {
            userName,
        };
        reset.SetCliAction((parseResult, cli, cancellationToken) =>
            ResetPasswordAsync(cli, parseResult.GetRequiredValue(userName), cancellationToken));
        return new Command("account", "Local sign-in accounts") { reset };
    }

    private static async Task<int> ResetPasswordAsync(CliContext cli, string userName, CancellationToken cancellationToken)
    {
        await using var db = await cli.OpenDbAsync(cancellationToken);
        var accounts = new AccountService(db, TimeProvider.System);
        var account = await accounts.FindAsync(userName, cancellationToken);
        if (account is null)
        {
            await cli.Error.WriteLineAsync($"No account has the user name '{userName}' in {cli.Database.Describe()}.");
            if (!await accounts.AnyAsync(cancellationToken))
            {
                await cli.Error.WriteLineAsync(
                    $"The database has no accounts yet: start the web app once to create the first administrator ('{AccountService.FirstAdministrator}').");
            }
            return ExitCodes.BadInput;
        }
        var reset = await accounts.ResetPasswordAsync(account.Id, Actor, cancellationToken);
        if (!reset.Succeeded)
        {
            await cli.Error.WriteLineAsync(reset.Error);
            return ExitCodes.BadInput;
        }
        cli.Error.WriteLine($"New one-time password for '{account.UserName}':");
        cli.Out.WriteLine(reset.Value ?? "");
        cli.Error.WriteLine("They must choose their own password at the next sign-in.");
        if (account.IsDisabled)
        {
            cli.Error.WriteLine("Note: the account is disabled, so it cannot sign in until another administrator enables it.");
        }
        return ExitCodes.Success;
    }
}
