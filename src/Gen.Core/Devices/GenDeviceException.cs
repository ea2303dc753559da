using System;

namespace Gen;

/// <summary>A requested device is not available; the message says what is missing.</summary>
public sealed class GenDeviceException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GenDeviceException(string message, Exception? inner = null) : base(message, inner)
    {
    }
}
