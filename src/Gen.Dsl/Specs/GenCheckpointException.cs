using System;

namespace Gen.Dsl;

/// <summary>
/// A checkpoint or spec document cannot be read. <see cref="Error"/> says which problem it is; the message names the
/// file (when there is one), the JSON path or tensor concerned, and what was expected and found.
/// </summary>
public sealed class GenCheckpointException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="error">Which problem it is.</param>
    /// <param name="message">What is wrong, naming the place and the expected and actual values.</param>
    /// <param name="file">The checkpoint file, or null for a spec document read from a string.</param>
    /// <param name="jsonPath">The JSON path of the offending value (such as <c>$.spec.steps[2].mask</c>), or null.</param>
    /// <param name="inner">The underlying error, where there is one.</param>
    public GenCheckpointException(CheckpointError error, string message, string? file = null, string? jsonPath = null, Exception? inner = null)
        : base(file is null ? message : $"{file}: {message}", inner)
    {
        Error = error;
        File = file;
        JsonPath = jsonPath;
        Detail = message;
    }

    /// <summary>Which problem it is.</summary>
    public CheckpointError Error { get; }

    /// <summary>The checkpoint file, or null for a spec document read from a string.</summary>
    public string? File { get; }

    /// <summary>The JSON path of the offending value, or null.</summary>
    public string? JsonPath { get; }

    /// <summary>The message without the file name.</summary>
    private string Detail { get; }

    /// <summary>The same error, reported for <paramref name="file"/>.</summary>
    internal GenCheckpointException InFile(string file) => new(Error, Detail, file, JsonPath, this);
}
