using System;

namespace Gen.Runtime;

/// <summary>TorchSharp's native runtime could not be loaded; the message says what is missing and what to do.</summary>
public sealed class GenRuntimeException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GenRuntimeException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
