// Deliberately outside any namespace: the runtime looks the hook type up as 'StartupHook'.
/// <summary>
/// .NET startup hook (DOTNET_STARTUP_HOOKS) used only by <see cref="MlNetLstm.Tests.Robustness.CheckpointCrashTests"/>: when the child variable is set,
/// the process becomes the checkpoint writer and never reaches the test assembly's (empty) entry point.
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        string? dir = Environment.GetEnvironmentVariable(MlNetLstm.Tests.Robustness.CheckpointCrashTests.ChildVariable);
        if (string.IsNullOrEmpty(dir)) return;
        MlNetLstm.Tests.Robustness.CheckpointCrashTests.RunChild(dir);
    }
}
