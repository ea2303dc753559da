using System;

namespace Gen.Examples;

/// <summary>A command-line option is unknown, missing its value, or has a value the example cannot use.</summary>
public sealed class OptionException(string message) : Exception(message);
