using System;

namespace Gen.Testing;

/// <summary>A law does not hold; the message names the law, the component and the numbers that disagree.</summary>
public sealed class LawViolationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LawViolationException(string message) : base(message)
    {
    }
}
