import { Image } from "@mantine/core";

/**
 * Shows an SVG QR code from our server as an image. An SVG in <img> is inert (no scripts, no
 * external loads), the markup is never put into the DOM, and the CSP allows data: images.
 */
export function QrImage({ svg, alt, size }: { svg: string; alt: string; size: number }) {
  return <Image src={svgDataUri(svg)} alt={alt} w={size} h={size} fit="contain" bg="white" data-testid="totp-qr" />;
}

export function svgDataUri(svg: string): string {
  const bytes = new TextEncoder().encode(svg);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return `data:image/svg+xml;base64,${btoa(binary)}`;
}
