using System;
using System.Linq;
using System.Runtime.CompilerServices;
using Gen.Runtime;

namespace Gen.Core.Tests;

internal static class TestSetup
{
    // Tests call TorchSharp directly, so load the runtime through Gen before any test runs; except in the child processes
    // of the runtime tests (Program.cs), which load it themselves and report how that went.
    [ModuleInitializer]
    internal static void Init()
    {
        if (!Environment.GetCommandLineArgs().Contains(Program.ProbeRuntime))
        {
            Load();
        }
    }

    // A method of its own: compiling the call runs Gen.Core's initializer, even where the call is skipped.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Load() => GenRuntime.EnsureLoaded();
}
