using System;

namespace Gen;

/// <summary>
/// Shapes do not fit. The message names the node (a path such as <c>vae.decoder.net[2]</c>, or the argument)
/// and both shapes.
/// </summary>
public sealed class GenShapeException : ArgumentException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="node">The node path or argument name where the mismatch was found.</param>
    /// <param name="message">What does not fit, with both shapes.</param>
    public GenShapeException(string node, string message) : base($"{node}: {message}")
    {
        Node = node;
    }

    /// <summary>The node path or argument name where the mismatch was found.</summary>
    public string Node { get; }
}
