using System.Linq;
using System.Runtime.CompilerServices;
using Gen.Runtime;

namespace Gen.Probability.Tests;

internal static class TestSetup
{
    // Tests call TorchSharp directly, so load the runtime through Gen before any test runs; except in the child process
    // of FreshProcessTests, which checks that Gen's own assemblies do this without help.
    [ModuleInitializer]
    internal static void Init()
    {
        if (!System.Environment.GetCommandLineArgs().Contains(Program.TestingFirst))
        {
            Load();
        }
    }

    // A method of its own: compiling a call to a Gen.Core method runs Gen.Core's initializer, even where the call is
    // skipped, which would hide what the fresh-process test looks for.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Load() => GenRuntime.EnsureLoaded();
}
