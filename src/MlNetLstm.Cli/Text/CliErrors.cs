namespace MlNetLstm.Cli.Text;

/// <summary>Error text for the command line: the exception's message without .NET's " (Parameter 'x')" suffix.</summary>
internal static class CliErrors
{
    public static string Text(Exception ex)
        => ex is ArgumentException { ParamName: { } p } a ? a.Message.Replace($" (Parameter '{p}')", string.Empty, StringComparison.Ordinal) : ex.Message;
}
