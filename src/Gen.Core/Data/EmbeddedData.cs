using System;
using System.IO;

namespace Gen.Data;

/// <summary>Reads data files embedded in Gen.Core.</summary>
internal static class EmbeddedData
{
    /// <summary>The bytes of an embedded resource, as stored (still compressed).</summary>
    public static byte[] Read(string resourceName)
    {
        using var resource = typeof(EmbeddedData).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"The embedded resource {resourceName} is missing from Gen.Core.");
        using var buffer = new MemoryStream();
        resource.CopyTo(buffer);
        return buffer.ToArray();
    }
}
