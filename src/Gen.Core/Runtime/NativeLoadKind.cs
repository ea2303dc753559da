namespace Gen.Runtime;

/// <summary>How TorchSharp's native library came to be loaded in this process.</summary>
public enum NativeLoadKind
{
    /// <summary>TorchSharp has not been initialised yet.</summary>
    NotLoaded,

    /// <summary>TorchSharp loaded its native library by itself; Gen changed nothing.</summary>
    Default,

    /// <summary>The default load failed only because libtorch was not beside the glue library; Gen loaded it from the libtorch folder.</summary>
    Redirected,

    /// <summary>The system's C++ runtime lacked a symbol version that the library names but never uses; Gen loaded a copy with that requirement marked weak.</summary>
    Patched,
}
