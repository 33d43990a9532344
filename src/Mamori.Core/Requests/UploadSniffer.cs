namespace Mamori.Requests;

/// <summary>
/// Accepts an upload only if its bytes are an image or a PDF, whatever the client claims: JPEG, PNG,
/// GIF, WebP, TIFF, HEIC or PDF by their signatures. Returns the media type, or null.
/// </summary>
public static class UploadSniffer
{
    public static string? Sniff(ReadOnlySpan<byte> b)
    {
        if (b.StartsWith("%PDF-"u8)) return "application/pdf";
        if (b.Length >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return "image/jpeg";
        if (b.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A])) return "image/png";
        if (b.StartsWith("GIF87a"u8) || b.StartsWith("GIF89a"u8)) return "image/gif";
        if (b.Length >= 12 && b.StartsWith("RIFF"u8) && b[8..12].SequenceEqual("WEBP"u8)) return "image/webp";
        if (b.StartsWith("II*\0"u8) || b.StartsWith("MM\0*"u8)) return "image/tiff";
        if (b.Length >= 12 && b[4..8].SequenceEqual("ftyp"u8) && (b[8..12].SequenceEqual("heic"u8) || b[8..12].SequenceEqual("heix"u8) || b[8..12].SequenceEqual("mif1"u8)))
            return "image/heic";
        return null;
    }
}
