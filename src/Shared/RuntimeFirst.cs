using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

// Compiled into every Gen assembly but Gen.Core (src/Directory.Build.props links it).
//
// Gen.Core's module initializer puts the native-runtime fallback in place (see GenRuntime); it runs when a Gen.Core
// type is first touched. An assembly whose first call goes straight to TorchSharp (a property test that asks
// Gen.Testing for a seeded generator before anything else, say) would otherwise start TorchSharp without it, and on
// Debian 12 the process dies in TorchSharp's static constructor. This runs Gen.Core's initializer first.
file static class RuntimeFirst
{
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "Gen.Core's loader fallback must be registered before TorchSharp's static constructor runs.")]
    internal static void Run() => RuntimeHelpers.RunModuleConstructor(typeof(Gen.Runtime.GenRuntime).Module.ModuleHandle);
}
