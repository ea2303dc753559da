using System;

namespace HostileProbes.Specs;

/// <summary>
/// One hostile spec document: a name that says what was changed where, the document (made when the probe runs, since
/// some are a megabyte), how it is read, the C# that reproduces it, and the words a clear refusal would use.
/// </summary>
internal sealed record SpecCase(string Name, Func<string> Document, Func<string, object> Read, string Reproduction, string[] Names);
