"""Scans and photos read by OCR into what the PDF reader gives: the reader (`reader`), pages made upright
(`geometry`) and straightened with their rulings found (`raster`), cells cleaned (`speck`) and read by Tesseract
(`tesseract`, `ocr`), and what OCR misread mended (`mend`)."""
