namespace ClpMailGateway.Tokens;

/// <summary>Lower-case RFC 4648 base32 without padding: survives mail servers that change the case of local parts.</summary>
public static class Base32
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";

    public static string Encode(ReadOnlySpan<byte> data)
    {
        var chars = new char[((data.Length * 8) + 4) / 5];
        int buffer = 0, bits = 0, index = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                chars[index++] = Alphabet[(buffer >> (bits - 5)) & 31];
                bits -= 5;
            }
        }

        if (bits > 0)
        {
            chars[index++] = Alphabet[(buffer << (5 - bits)) & 31];
        }

        return new string(chars, 0, index);
    }

    /// <summary>Decodes any case; null when a character is outside the alphabet or the length cannot be base32.</summary>
    public static byte[]? Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = new byte[text.Length * 5 / 8];
        int buffer = 0, bits = 0, index = 0;
        foreach (var c in text)
        {
            var value = Alphabet.IndexOf(char.ToLowerInvariant(c), StringComparison.Ordinal);
            if (value < 0)
            {
                return null;
            }

            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                if (index == bytes.Length)
                {
                    return null;
                }

                bytes[index++] = (byte)(buffer >> (bits - 8));
                bits -= 8;
            }
        }

        // Leftover bits must be zero padding of the last character, else the text was not produced by Encode.
        return (buffer & ((1 << bits) - 1)) == 0 && index == bytes.Length && text.Length == ((index * 8) + 4) / 5 ? bytes : null;
    }
}
