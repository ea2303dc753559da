using System;
using System.IO;

namespace Gen.Data;

/// <summary>
/// A data file is missing, corrupt, truncated or has the wrong checksum, or could not be downloaded. The message
/// names the file (or address) and says what was expected and what was found.
/// </summary>
public sealed class GenDataException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong, naming the file and the expected and actual values.</param>
    /// <param name="path">The file or address concerned, where there is one.</param>
    /// <param name="inner">The underlying error, where there is one.</param>
    public GenDataException(string message, string? path = null, Exception? inner = null) : base(message, inner)
    {
        Path = path;
    }

    /// <summary>The file or address concerned, or null.</summary>
    public string? Path { get; }
}
