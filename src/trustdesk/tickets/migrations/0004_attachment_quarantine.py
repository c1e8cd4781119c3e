from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tickets', '0003_need_to_know'),
    ]

    operations = [
        migrations.AddField(
            model_name='attachment',
            name='quarantine',
            field=models.CharField(blank=True, choices=[('not_utf8', 'The file is not plain UTF-8 text (an undecodable byte or a NUL), so it could not be scanned.'), ('pdf_encrypted', 'The PDF is encrypted, so its text could not be read.'), ('pdf_malformed', 'The PDF is damaged or not a PDF; its text could not be read.'), ('pdf_embedded', 'The PDF carries embedded files, which intake does not read.'), ('too_many_pages', 'The PDF has more pages than intake scans.'), ('too_large', 'The file, or its decompressed content, is larger than intake scans.'), ('timeout', 'Reading the file took longer than intake allows.'), ('scan_failed', 'The scanner stopped before reading the whole file.'), ('not_scannable', 'Intake cannot read this kind of file (an image, an archive, an office document), so it was not scanned.')], default='', max_length=16),
        ),
    ]
