using System.Runtime.CompilerServices;
using Gen.Runtime;

namespace Gen.Examples.Tests;

internal static class TestSetup
{
    // Tests call TorchSharp directly, so load the runtime through Gen before any test runs.
    [ModuleInitializer]
    internal static void Init() => GenRuntime.EnsureLoaded();
}
