from django.db import migrations


def install(apps, schema_editor):
    from reflection.builtin import install_builtin

    install_builtin(apps)


class Migration(migrations.Migration):
    dependencies = [("reflection", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
